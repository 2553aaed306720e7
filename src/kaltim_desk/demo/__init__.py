"""The demo office: a realistic Kota Samarinda office with people, groups, aid, training and visits.

`create_demo_office` fills an empty database in steps; each feature contributes one step (its module's
`populate(ctx)`), so every page and command of the app has something real to show. People are inserted
in bulk (Core inserts, not one ORM object at a time) so 100,000 take seconds.

`kaltim_desk.demo.office.create_demo_office` makes it. This package file imports nothing, so a screen that
only lists the demo accounts (`demo.users.DEMO_ACCOUNTS`) does not load every feature's services.
"""

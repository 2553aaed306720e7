"""The kernel every layer needs: errors, the actor, permissions, the audit trail, office settings,
numbering and the DTOs that cross layers. Qt-free; imports only domain, models and infrastructure."""

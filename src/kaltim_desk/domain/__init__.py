"""Pure domain rules: identity numbers, money, amounts in words, dates, text and phone numbers."""

"""The training feature: trainings, attendance, the completion rule and certificates (STTP)."""

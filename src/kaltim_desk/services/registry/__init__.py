"""The registry feature: beneficiaries (people), KUBE groups, regions, and finding a person fast."""

"""Lookout for Equipment resources: test_<module>.py for lookoutequipment/<module>.py."""

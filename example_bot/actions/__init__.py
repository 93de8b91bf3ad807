"""Custom actions of the Northwind Outfitters support bot (served by `rasa run actions`)."""

"""One module per procurement method (registered in model.procurement.market.METHODS)."""

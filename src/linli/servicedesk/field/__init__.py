"""The field worker's record of an order (SVC-14): photos before and after, materials used
and the customer's signature drawn on the phone."""

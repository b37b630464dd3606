"""Orders: an order-fulfilment workflow that touches most kinds of Temporal command."""

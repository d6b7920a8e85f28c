-- Input images of the request, billed where the endpoint has a per-image fee (catalog prices.image).
ALTER TABLE ledger ADD COLUMN images INTEGER NOT NULL DEFAULT 0 CHECK (images >= 0);

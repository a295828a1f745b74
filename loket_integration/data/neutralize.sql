-- A copied database must never talk to the production Loket with the original's login.
DELETE FROM loket_token;
-- Loket's lists held by a fetch run between its batches: personal data, of no use in a copy.
DELETE FROM loket_fetch_item;
UPDATE loket_integration SET state = 'disconnected' WHERE state IN ('connected', 'error');
DELETE FROM ir_config_parameter WHERE key = 'loket_integration.client_secret';
UPDATE ir_cron SET active = false
 WHERE id IN (SELECT res_id FROM ir_model_data WHERE module = 'loket_integration' AND model = 'ir.cron');

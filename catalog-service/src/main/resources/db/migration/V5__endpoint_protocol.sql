-- The wire protocol is a property of the endpoint (issue 22): Vertex serves Claude in Anthropic's Messages
-- protocol and Gemini in Gemini's, Bedrock and Azure serve Claude in Anthropic's. NULL = the provider's.
-- base_url: the operator's URL for an endpoint whose protocol lives elsewhere than its provider's base URL;
-- NULL = derived (see catalog-service/README.md, "Per-endpoint protocol").
ALTER TABLE endpoint ADD COLUMN adapter TEXT NULL CHECK (adapter IN ('openai', 'anthropic', 'gemini'));
ALTER TABLE endpoint ADD COLUMN base_url TEXT NULL;

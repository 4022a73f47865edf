package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** One model served by one provider, with its exact prices (USD per token). */
@Entity
@Table(name = "endpoint")
public class EndpointEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "model_id")
    public String modelId;
    @Column(name = "provider_slug")
    public String providerSlug;
    @Column(name = "provider_model")
    public String providerModel;
    @Column(name = "context_length")
    public Integer contextLength;
    @Column(name = "max_completion_tokens")
    public Integer maxCompletionTokens;
    public String quantization;
    /** The wire protocol of this endpoint when it is not its provider's ({@code anthropic} for Claude on Vertex); null = the provider's. */
    public String adapter;
    /** The operator's base URL for this endpoint; null = derived from the provider's and the protocol. */
    @Column(name = "base_url")
    public String baseUrl;
    @Column(name = "price_prompt")
    public BigDecimal pricePrompt;
    @Column(name = "price_completion")
    public BigDecimal priceCompletion;
    @Column(name = "price_request")
    public BigDecimal priceRequest;
    @Column(name = "price_image")
    public BigDecimal priceImage;
    @Column(name = "price_input_cache_read")
    public BigDecimal priceInputCacheRead;
    @Column(name = "price_input_cache_write")
    public BigDecimal priceInputCacheWrite;
    @Column(name = "price_internal_reasoning")
    public BigDecimal priceInternalReasoning;
    @Column(name = "supported_parameters")
    public String supportedParameters;
    public boolean enabled;
    /** Why the prices look wrong (not routable until an operator confirms or corrects them); null when sane. */
    @Column(name = "quarantine_reason")
    public String quarantineReason;
    /** An operator confirmed these prices: the sanity check leaves the endpoint routable. */
    @Column(name = "price_confirmed")
    public boolean priceConfirmed;
    public String source;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

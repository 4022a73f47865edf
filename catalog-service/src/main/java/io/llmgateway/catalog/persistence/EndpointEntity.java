package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
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
    public String modelId;
    public String providerSlug;
    public String providerModel;
    public Integer contextLength;
    public Integer maxCompletionTokens;
    public String quantization;
    /** The wire protocol of this endpoint when it is not its provider's ({@code anthropic} for Claude on Vertex); null = the provider's. */
    public String adapter;
    /** The operator's base URL for this endpoint; null = derived from the provider's and the protocol. */
    public String baseUrl;
    public BigDecimal pricePrompt;
    public BigDecimal priceCompletion;
    public BigDecimal priceRequest;
    public BigDecimal priceImage;
    public BigDecimal priceInputCacheRead;
    public BigDecimal priceInputCacheWrite;
    public BigDecimal priceInternalReasoning;
    public String supportedParameters;
    public boolean enabled;
    /** Why the prices look wrong (not routable until an operator confirms or corrects them); null when sane. */
    public String quarantineReason;
    /** An operator confirmed these prices: the sanity check leaves the endpoint routable. */
    public boolean priceConfirmed;
    public String source;
    public Instant updatedAt;
}

package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A model ({@code author/slug}); lists are stored comma-separated, they are small and read whole. */
@Entity
@Table(name = "model")
public class ModelEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "canonical_slug")
    public String canonicalSlug;
    public String name;
    public String description;
    public long created;
    @Column(name = "context_length")
    public Integer contextLength;
    @Column(name = "input_modalities")
    public String inputModalities;
    @Column(name = "output_modalities")
    public String outputModalities;
    public String tokenizer;
    @Column(name = "supported_parameters")
    public String supportedParameters;
    @Column(name = "prompt_tokens_limit")
    public Integer promptTokensLimit;
    @Column(name = "completion_tokens_limit")
    public Integer completionTokensLimit;
    public boolean enabled;
    /** {@code chat}, {@code embedding} or {@code router} (a pseudo-model routing resolves, no endpoints). */
    public String kind = "chat";
    public String source;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

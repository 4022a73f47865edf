package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
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
    public String canonicalSlug;
    public String name;
    public String description;
    public long created;
    public Integer contextLength;
    public String inputModalities;
    public String outputModalities;
    public String tokenizer;
    public String supportedParameters;
    public Integer promptTokensLimit;
    public Integer completionTokensLimit;
    public boolean enabled;
    /** {@code chat}, {@code embedding} or {@code router} (a pseudo-model routing resolves, no endpoints). */
    public String kind = "chat";
    public String source;
    public Instant updatedAt;
}

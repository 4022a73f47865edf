package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** A preset of one account: its template as JSONB plus the columns lists and routing read most. */
@Entity
@Table(name = "preset")
public class PresetEntity extends PanacheEntityBase {

    /** {@code <account id>/<slug>}. */
    @Id
    public String id;
    public String accountId;
    public String slug;
    public String name;
    public String description;
    public int version;
    /** Comma list: the model, then its fallbacks. */
    public String models;
    public String systemPrompt;
    /** The whole template, JSON text (JSONB in the database). */
    @ColumnTransformer(read = "config::text", write = "cast(cast(? as text) as jsonb)")
    public String config;
    public Instant createdAt;
    public Instant updatedAt;
}

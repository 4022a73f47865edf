package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** One version a preset had (its template as it was). */
@Entity
@Table(name = "preset_version")
@IdClass(PresetVersionEntity.Key.class)
public class PresetVersionEntity extends PanacheEntityBase {

    /** Composite key: preset id and version. */
    public record Key(String presetId, int version) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }

    @Id
    public String presetId;
    @Id
    public int version;
    @ColumnTransformer(read = "config::text", write = "cast(cast(? as text) as jsonb)")
    public String config;
    public Instant createdAt;
}

package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Another name of a model: an id an older import used, or one the reviewed alias table lists. */
@Entity
@Table(name = "model_alias")
public class ModelAliasEntity extends PanacheEntityBase {

    @Id
    public String alias;
    public String modelId;
    public String source;
    public Instant updatedAt;
}

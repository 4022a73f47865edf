package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Hash of the last applied content of one Kubernetes ConfigMap (namespace/name). */
@Entity
@Table(name = "config_source")
public class ConfigSourceEntity extends PanacheEntityBase {

    @Id
    public String name;
    public String contentHash;
    public Instant appliedAt;
}

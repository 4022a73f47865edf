package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An upstream provider. The credential is a reference (env var, Secret name/key), never a value. */
@Entity
@Table(name = "provider")
public class ProviderEntity extends PanacheEntityBase {

    @Id
    public String slug;
    public String name;
    public String adapter;
    public String baseUrl;
    public String credentialEnv;
    public String credentialSecret;
    public String credentialKey;
    public boolean trainsOnData;
    public boolean retainsPrompts;
    /** Zero data retention, set by the operator (V4). */
    public boolean zdr;
    public String status;
    public String source;
    public Instant updatedAt;
}

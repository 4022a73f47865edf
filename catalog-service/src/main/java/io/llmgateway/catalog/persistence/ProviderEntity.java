package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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
    @Column(name = "base_url")
    public String baseUrl;
    @Column(name = "credential_env")
    public String credentialEnv;
    @Column(name = "credential_secret")
    public String credentialSecret;
    @Column(name = "credential_key")
    public String credentialKey;
    @Column(name = "trains_on_data")
    public boolean trainsOnData;
    @Column(name = "retains_prompts")
    public boolean retainsPrompts;
    /** Zero data retention, set by the operator (V4). */
    public boolean zdr;
    public String status;
    public String source;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

package io.llmgateway.catalog.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single catalog-version row; locked by every writer, bumped by every change. */
@Entity
@Table(name = "catalog_version")
public class CatalogVersionEntity extends PanacheEntityBase {

    public static final int ROW = 1;

    @Id
    public Integer id;
    public long version;
}

package io.llmgateway.catalog.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.catalog.model.PresetList;
import io.llmgateway.catalog.model.PresetRequest;
import io.llmgateway.catalog.model.PresetVersionView;
import io.llmgateway.catalog.model.PresetView;
import io.llmgateway.catalog.persistence.PresetEntity;
import io.llmgateway.catalog.persistence.PresetVersionEntity;
import io.llmgateway.contracts.error.GatewayException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Presets of an account: create or change (a new version each time the template or name changes),
 * read, list, delete. Every change goes through {@link CatalogStore}, so it bumps the catalog version,
 * publishes a {@code preset} catalog event and reaches routing in the next snapshot.
 */
@ApplicationScoped
public class PresetService {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    public static final int MAX_LIMIT = 100;

    private final CatalogStore store;
    private final ObjectMapper mapper;

    public PresetService(CatalogStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    public Uni<PresetView> put(String account, String slug, PresetRequest request) {
        checkAccount(account);
        checkSlug(slug);
        if (request == null) {
            throw GatewayException.badRequest("Missing preset body");
        }
        PresetTemplate.Typed typed = PresetTemplate.check(request.config());
        String config = request.config().toString();
        String id = account + "/" + slug;
        return store.change("preset", id, () -> PresetEntity.<PresetEntity>findById(id).chain(existing -> {
            Instant now = Instant.now();
            String name = request.name() == null || request.name().isBlank() ? slug : request.name().trim();
            String description = request.description() == null ? "" : request.description();
            if (existing != null && sameTemplate(existing.config, config) && existing.name.equals(name)
                    && existing.description.equals(description)) {
                return Uni.createFrom().item(new CatalogStore.Work<>(existing, false));
            }
            PresetEntity row = existing == null ? new PresetEntity() : existing;
            row.id = id;
            row.accountId = account;
            row.slug = slug;
            row.name = name;
            row.description = description;
            row.version = existing == null ? 1 : existing.version + 1;
            row.models = String.join(",", typed.models());
            row.systemPrompt = typed.systemPrompt();
            row.config = config;
            row.createdAt = existing == null ? now : existing.createdAt;
            row.updatedAt = now;
            PresetVersionEntity version = new PresetVersionEntity();
            version.presetId = id;
            version.version = row.version;
            version.config = config;
            version.createdAt = now;
            Uni<?> write = existing == null ? row.persist() : Uni.createFrom().item(row);
            return write.chain(() -> version.persist()).map(ignored -> new CatalogStore.Work<>(row, true));
        })).map(done -> view(done.value()));
    }

    public Uni<PresetView> get(String account, String slug) {
        checkAccount(account);
        return Panache.withSession(() -> PresetEntity.<PresetEntity>findById(account + "/" + slug))
                .map(row -> view(found(row, slug)));
    }

    public Uni<PresetList> list(String account, Integer offset, Integer limit) {
        checkAccount(account);
        int from = offset == null ? 0 : offset;
        int size = limit == null ? 50 : limit;
        if (from < 0 || size < 1 || size > MAX_LIMIT) {
            throw GatewayException.badRequest("Invalid offset/limit: offset >= 0, 1 <= limit <= " + MAX_LIMIT);
        }
        return Panache.withSession(() -> PresetEntity.<PresetEntity>find("accountId", Sort.by("slug"), account)
                .range(from, from + size - 1).list()
                .chain(rows -> PresetEntity.count("accountId", account)
                        .map(total -> new PresetList(rows.stream().map(this::view).toList(), total.intValue()))));
    }

    public Uni<List<PresetVersionView>> versions(String account, String slug) {
        checkAccount(account);
        String id = account + "/" + slug;
        return Panache.withSession(() -> PresetEntity.<PresetEntity>findById(id).chain(row -> {
            found(row, slug);
            return PresetVersionEntity.<PresetVersionEntity>find("presetId", Sort.by("version"), id).list();
        })).map(rows -> rows.stream().map(v -> new PresetVersionView(v.version, json(v.config), v.createdAt)).toList());
    }

    public Uni<Void> delete(String account, String slug) {
        checkAccount(account);
        String id = account + "/" + slug;
        return store.change("preset", id, () -> PresetEntity.<PresetEntity>findById(id).chain(row -> {
            found(row, slug);
            return row.delete().map(ignored -> new CatalogStore.Work<Void>(null, true));
        })).replaceWithVoid();
    }

    public PresetView view(PresetEntity row) {
        return new PresetView(row.id, row.slug, row.name, row.description, "active", row.version,
                CatalogText.split(row.models), json(row.config), row.createdAt, row.updatedAt);
    }

    public JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored preset template is not JSON", e);
        }
    }

    private boolean sameTemplate(String stored, String given) {
        return Objects.equals(json(stored), json(given));
    }

    private static PresetEntity found(PresetEntity row, String slug) {
        if (row == null) {
            throw GatewayException.notFound("Preset '" + CatalogValidator.safe(slug) + "' not found");
        }
        return row;
    }

    /** The account routing verified the management key of; without it the caller is not identified. */
    static void checkAccount(String account) {
        if (account == null || account.isBlank()) {
            throw GatewayException.unauthorized("Missing Authentication header: presets need a management key");
        }
        if (!ACCOUNT.matcher(account).matches()) {
            throw GatewayException.unauthorized("Invalid account");
        }
    }

    private static void checkSlug(String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw GatewayException.badRequest("Invalid slug: lower-case letters, digits and dashes, 1-64 characters");
        }
    }
}

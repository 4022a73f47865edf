package io.llmgateway.metering.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.model.Caller;
import io.llmgateway.metering.model.GenerationView;
import io.llmgateway.metering.persistence.GenerationRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Generation lookups; a generation of another account is indistinguishable from a missing one (404). */
@ApplicationScoped
public class GenerationService {

    private final GenerationRepository repository;
    private final ObjectMapper mapper;
    private final MeteringConfig config;

    public GenerationService(GenerationRepository repository, ObjectMapper mapper, MeteringConfig config) {
        this.repository = repository;
        this.mapper = mapper;
        this.config = config;
    }

    public Uni<Map<String, Object>> find(Caller caller, String id) {
        if (id == null || id.isBlank() || id.length() > 200) {
            return Uni.createFrom().failure(GatewayException.badRequest("Query parameter 'id' is required"));
        }
        return repository.find(caller.accountId(), id.trim()).map(row -> Map.of("data", GenerationView.of(
                row.orElseThrow(() -> GatewayException.notFound("Generation " + id + " not found")), mapper)));
    }

    public Uni<Map<String, Object>> recent(Caller caller, Integer limit) {
        int max = config.query().recentLimit();
        int n = limit == null ? max : limit;
        if (n < 1 || n > max) {
            return Uni.createFrom().failure(GatewayException.badRequest("'limit' must be between 1 and " + max));
        }
        return repository.recent(caller.accountId(), n, 7)
                .map(rows -> Map.of("data", rows.stream().map(r -> GenerationView.of(r, mapper)).toList()));
    }

}

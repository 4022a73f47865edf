package io.llmgateway.auth.resource;

import io.llmgateway.auth.model.Credits;
import io.llmgateway.auth.model.Data;
import io.llmgateway.auth.service.AccountService;
import io.llmgateway.auth.service.KeyAuthenticator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/credits}: the caller's account totals; management key required, as in OpenRouter's spec. */
@Path("/api/v1/credits")
@Produces(MediaType.APPLICATION_JSON)
public class CreditsResource {

    private final KeyAuthenticator auth;
    private final AccountService accounts;

    public CreditsResource(KeyAuthenticator auth, AccountService accounts) {
        this.auth = auth;
        this.accounts = accounts;
    }

    @GET
    public Uni<Data<Credits>> credits(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return auth.management(authorization).chain(caller -> accounts.credits(caller.accountId)).map(Data::new);
    }
}

package io.llmgateway.auth.resource;

import io.llmgateway.auth.model.AccountBalance;
import io.llmgateway.auth.model.AccountCreated;
import io.llmgateway.auth.model.AccountView;
import io.llmgateway.auth.model.CreateAccountRequest;
import io.llmgateway.auth.model.CreditRequest;
import io.llmgateway.auth.service.AccountService;
import io.llmgateway.auth.service.OperatorGuard;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** Operator API (bootstrap): accounts and their credits, behind {@code gateway.operator-token}. */
@Path("/admin/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final OperatorGuard guard;
    private final AccountService accounts;

    public AdminResource(OperatorGuard guard, AccountService accounts) {
        this.guard = guard;
        this.accounts = accounts;
    }

    @POST
    public Uni<AccountCreated> create(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            CreateAccountRequest request) {
        guard.check(authorization);
        return accounts.create(request);
    }

    @POST
    @Path("/{id}/credits")
    public Uni<AccountBalance> credits(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String id, CreditRequest request) {
        guard.check(authorization);
        return accounts.addCredits(id, request);
    }

    @GET
    @Path("/{id}")
    public Uni<AccountView> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        guard.check(authorization);
        return accounts.get(id);
    }
}

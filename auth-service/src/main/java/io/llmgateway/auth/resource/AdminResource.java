package io.llmgateway.auth.resource;

import io.llmgateway.auth.model.AccountBalance;
import io.llmgateway.auth.model.AccountCreated;
import io.llmgateway.auth.model.AccountView;
import io.llmgateway.auth.model.CreateAccountRequest;
import io.llmgateway.auth.model.CreditRequest;
import io.llmgateway.auth.service.AccountService;
import io.llmgateway.platform.security.OperatorOnly;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operator API (bootstrap): accounts and their credits, behind {@code gateway.operator-token}. */
@Path("/admin/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@OperatorOnly
public class AdminResource {

    private final AccountService accounts;

    public AdminResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @POST
    public Uni<AccountCreated> create(CreateAccountRequest request) {
        return accounts.create(request);
    }

    @POST
    @Path("/{id}/credits")
    public Uni<AccountBalance> credits(@PathParam("id") String id, CreditRequest request) {
        return accounts.addCredits(id, request);
    }

    @GET
    @Path("/{id}")
    public Uni<AccountView> get(@PathParam("id") String id) {
        return accounts.get(id);
    }
}

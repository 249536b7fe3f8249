package io.github.keycloakobo.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.keycloakobo.policy.OboClientPolicy;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ErrorRepresentation;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/obo}: the OBO rules of the realm's clients.
 * <ul>
 *   <li>{@code GET clients}: every client with {@code obo.enabled=true} that the caller may view, with its rules</li>
 *   <li>{@code GET clients/{clientId}}: one client's rules (also when it is not enabled)</li>
 *   <li>{@code PUT clients/{clientId}}: changes the fields sent (see {@link OboRulesUpdate}); answers the new rules</li>
 * </ul>
 * Reading needs view permission on the client(s) ({@code view-clients}), writing needs manage permission
 * ({@code manage-clients}), as Keycloak's own client endpoints; errors are JSON {@code {"errorMessage": ...}}.
 */
public class OboAdminResource {

    /** Keycloak's shared mapper leaves out nulls; these answers show every field, null where a default applies. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    public OboAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                            AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.CLIENT);
    }

    @GET
    @Path("clients")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        if (!auth.clients().canView()) {
            auth.clients().requireList(); // 403 for an admin with no client role at all
        }
        List<Map<String, Object>> out = new ArrayList<>();
        realm.getClientsStream()
                .filter(c -> OboClientPolicy.isEnabled(c::getAttribute))
                .filter(c -> auth.clients().canView(c))
                .sorted(Comparator.comparing(ClientModel::getClientId))
                .forEach(c -> out.add(OboClientRules.of(c.getClientId(), c::getAttribute)));
        return json(Response.Status.OK, out);
    }

    @GET
    @Path("clients/{clientId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("clientId") String clientId) {
        ClientModel client = findClient(clientId);
        auth.clients().requireView(client);
        return json(Response.Status.OK, OboClientRules.of(client.getClientId(), client::getAttribute));
    }

    @PUT
    @Path("clients/{clientId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("clientId") String clientId, String body) {
        ClientModel client = findClient(clientId);
        auth.clients().requireManage(client);

        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            throw badRequest(List.of(new OboRulesUpdate.Problem(null, "The request body is not valid JSON")));
        }
        OboRulesUpdate update = OboRulesUpdate.parse(client.getClientId(), json, client.isPublicClient(),
                id -> realm.getClientByClientId(id) != null);
        if (!update.valid()) {
            throw badRequest(update.problems());
        }
        // everything is checked: only now write
        update.changes().forEach((attribute, value) -> {
            if (value == null) {
                client.removeAttribute(attribute);
            } else {
                client.setAttribute(attribute, value);
            }
        });
        Map<String, Object> rules = OboClientRules.of(client.getClientId(), client::getAttribute);
        adminEvent.operation(OperationType.UPDATE)
                .resourcePath(session.getContext().getUri())
                .representation(rules)
                .success();
        return json(Response.Status.OK, rules);
    }

    /** The client, or 404 (after checking that the caller may see clients at all, as Keycloak's own endpoint). */
    private ClientModel findClient(String clientId) {
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null) {
            auth.clients().requireList();
            throw ErrorResponse.error("Client '" + clientId + "' not found", Response.Status.NOT_FOUND);
        }
        return client;
    }

    private static ErrorResponseException badRequest(List<OboRulesUpdate.Problem> problems) {
        ErrorRepresentation error = new ErrorRepresentation();
        error.setErrorMessage(String.join("; ", problems.stream().map(OboRulesUpdate.Problem::message).toList()));
        if (problems.size() == 1) {
            error.setField(problems.get(0).field());
        } else {
            error.setErrors(problems.stream()
                    .map(p -> new ErrorRepresentation(p.field(), p.message(), null))
                    .toList());
        }
        return new ErrorResponseException(Response.status(Response.Status.BAD_REQUEST).entity(error)
                .type(MediaType.APPLICATION_JSON_TYPE).build());
    }

    private static Response json(Response.Status status, Object entity) {
        try {
            return Response.status(status).entity(MAPPER.writeValueAsString(entity))
                    .type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

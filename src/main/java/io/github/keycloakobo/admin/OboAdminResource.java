package io.github.keycloakobo.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.ForbiddenException;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.github.keycloakobo.policy.OboClientAttributes;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ErrorRepresentation;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AdminClientUpdateContext;
import org.keycloak.services.clientpolicy.context.AdminClientUpdatedContext;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.util.JsonSerialization;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/obo}: the OBO rules of the realm's clients.
 * <ul>
 *   <li>{@code GET clients}: every client with {@code obo.enabled=true} that the caller may view, with its rules</li>
 *   <li>{@code GET clients/{clientId}}: one client's rules (also when it is not enabled)</li>
 *   <li>{@code PUT clients/{clientId}}: changes the fields sent (see {@link OboRulesUpdate}); answers the new rules</li>
 * </ul>
 * Reading needs view permission on the client(s) ({@code view-clients}), writing the permission of Keycloak's own client
 * update (configure or {@code manage-clients}); a write is a client update to the realm's client policies, which run
 * first and may refuse it. Errors are JSON {@code {"errorMessage": ...}}, a client policy's refusal Keycloak's
 * {@code {"error": ..., "error_description": ...}}.
 */
public class OboAdminResource {

    /**
     * Keycloak's shared mapper leaves out nulls; these answers show every field, null where a default applies. Bodies
     * are strict JSON: a duplicate key or content after the object is refused, not read one way or another.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

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
                .filter(c -> OboClientAttributes.claimsExchange(c::getAttribute))
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
        return json(Response.Status.OK, OboClientRules.of(client.getClientId(), client::getAttribute));
    }

    @PUT
    @Path("clients/{clientId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("clientId") String clientId, String body) {
        ClientModel client = findClient(clientId);
        // the permission of Keycloak's own client update
        auth.clients().requireConfigure(client);

        if (body != null && body.length() > OboRulesUpdate.MAX_BODY_CHARS) {
            throw badRequest(List.of(new OboRulesUpdate.Problem(null, "The request body is longer than "
                    + OboRulesUpdate.MAX_BODY_CHARS + " characters")));
        }
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            throw badRequest(List.of(new OboRulesUpdate.Problem(null, "The request body is not one JSON object "
                    + "(invalid JSON, a duplicate field or content after the object)")));
        }
        // a target the caller may not view is "unknown", as if it did not exist
        OboRulesUpdate update = OboRulesUpdate.parse(client.getClientId(), json, client.isPublicClient(),
                id -> Optional.ofNullable(realm.getClientByClientId(id)).filter(auth.clients()::canView).isPresent());
        if (!update.valid()) {
            throw badRequest(update.problems());
        }
        // the update as Keycloak's own client API would see it, so that the realm's client policies on client
        // updates decide on it first
        ClientRepresentation proposed = ModelToRepresentation.toRepresentation(client, session);
        Map<String, String> attributes = new HashMap<>(Optional.ofNullable(proposed.getAttributes()).orElse(Map.of()));
        update.changes().forEach((attribute, value) -> {
            if (value == null) {
                attributes.remove(attribute);
            } else {
                attributes.put(attribute, value);
            }
        });
        proposed.setAttributes(attributes);
        JsonNode asProposed = JsonSerialization.mapper.valueToTree(proposed);
        // as Keycloak's client resource does, for executors that read the client of the context
        session.getContext().setClient(client);
        try {
            session.clientPolicy().triggerOnEvent(new AdminClientUpdateContext(proposed, client, auth.adminAuth()));
            if (!asProposed.equals(JsonSerialization.mapper.valueToTree(proposed))) {
                // an executor with auto-configure changed other settings (e.g. full scope off): applying only the
                // obo.* attributes would skip them, applying them belongs to Keycloak's own client update
                session.getTransactionManager().setRollbackOnly();
                throw ErrorResponse.error("A client policy of this realm changes other settings of client '"
                        + client.getClientId() + "' when it is updated; update it through Keycloak's client API "
                        + "first (PUT /admin/realms/" + realm.getName() + "/clients/" + client.getId() + ")",
                        Response.Status.BAD_REQUEST);
            }
            update.changes().forEach((attribute, value) -> {
                if (value == null) {
                    client.removeAttribute(attribute);
                } else {
                    client.setAttribute(attribute, value);
                }
            });
            client.updateClient();
            session.clientPolicy().triggerOnEvent(new AdminClientUpdatedContext(proposed, client, auth.adminAuth()));
        } catch (ClientPolicyException cpe) {
            session.getTransactionManager().setRollbackOnly();
            throw new ErrorResponseException(cpe.getError(), cpe.getErrorDetail(), Response.Status.BAD_REQUEST);
        }
        proposed.setSecret(null);
        adminEvent.operation(OperationType.UPDATE)
                .resourcePath("clients", client.getId())
                .representation(proposed)
                .success();
        return json(Response.Status.OK, OboClientRules.of(client.getClientId(), client::getAttribute));
    }

    /**
     * The client, if the caller may view it. A client that does not exist and one the caller may not view get the
     * same answer ({@code 403}), so client ids cannot be probed; only a caller who may view every client learns
     * that one does not exist ({@code 404}).
     */
    private ClientModel findClient(String clientId) {
        ClientModel client = realm.getClientByClientId(clientId);
        if (client != null && auth.clients().canView(client)) {
            return client;
        }
        if (client == null && auth.clients().canView()) {
            throw ErrorResponse.error("Client '" + clientId + "' not found", Response.Status.NOT_FOUND);
        }
        throw new ForbiddenException();
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

package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Status, headers and body of an HTTP answer; the body parsed as JSON where it is JSON. */
public final class HttpResult {

    private static final Pattern JWT_LIKE = Pattern.compile("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");

    private final int status;
    private final String body;
    private final HttpHeaders headers;
    private final JsonNode json;

    HttpResult(int status, String body, HttpHeaders headers) {
        this.status = status;
        this.body = body == null ? "" : body;
        this.headers = headers;
        this.json = Json.parseOrMissing(this.body);
        TokenRegistry.received(this.json);
    }

    public int status() {
        return status;
    }

    /** Raw body. May contain tokens: never print it; use {@link #describe()}. */
    public String body() {
        return body;
    }

    public JsonNode json() {
        return json;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers == null ? Optional.empty() : headers.firstValue(name);
    }

    /** A top-level string field of the JSON body, or null. */
    public String field(String name) {
        JsonNode n = json.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    public boolean has(String name) {
        return json.has(name) && !json.get(name).isNull();
    }

    /** Status and body with every token-like value redacted: safe for assertion messages and logs. */
    public String describe() {
        String shown;
        if (json.isObject()) {
            StringBuilder sb = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> it = json.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(e.getKey()).append('=');
                String k = e.getKey();
                if (k.endsWith("token") || k.equals("assertion") || k.contains("secret")) {
                    sb.append("<redacted>");
                } else {
                    sb.append(redact(e.getValue().toString()));
                }
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            shown = sb.append('}').toString();
        } else if (json instanceof MissingNode) {
            shown = redact(body.length() > 500 ? body.substring(0, 500) + "..." : body);
        } else {
            shown = redact(json.toString());
        }
        return "HTTP " + status + " " + shown;
    }

    static String redact(String s) {
        return JWT_LIKE.matcher(s).replaceAll("<jwt>");
    }

    @Override
    public String toString() {
        return describe();
    }
}

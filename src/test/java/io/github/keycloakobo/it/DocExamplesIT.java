package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell examples of README.md and docs/ run as written against the demo realm as shipped
 * ({@code realm-export/obo-demo-realm.json}, imported fresh for each document): every {@code bash}/{@code sh} block
 * that calls {@code curl} or {@code kcadm.sh}, in the order of the document, in one bash script with {@code set -e}
 * and a {@code curl} that fails on an HTTP error. Only the documented address {@code http://127.0.0.1:8080} is
 * replaced by the test server's; a reader sets {@code ADMIN_PASSWORD} and {@code USER_TOKEN} (a user's token from
 * the demo app), as the test does. Blocks that start servers ({@code run-demo}, {@code kc.sh start}, Docker) or need
 * a browser login are left to the demo's own tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocExamplesIT {

    private static final String DOCUMENTED_URL = "http://127.0.0.1:8080";
    private static final Pattern BLOCK = Pattern.compile("```(?:bash|sh)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern JWT = Pattern.compile("eyJ[\\w-]*\\.[\\w-]*\\.[\\w-]*");
    private static final List<String> NOT_RUN_HERE = List.of("run-demo", "kc.sh start", "docker", "bench/run",
            "mvn ", "CODE=");

    private KeycloakRuntime keycloak;
    private AdminApi admin;
    private OAuth oauth;

    @BeforeAll
    void server() throws IOException, InterruptedException {
        // the documents' examples filter JSON with jq: a missing one is a missing prerequisite, said as such
        Process jq = new ProcessBuilder("bash", "-c", "command -v jq").start();
        assertEquals(0, jq.waitFor(), "The documents' examples use jq, which is missing. Install it with: "
                + "apt-get install jq (.ci/run does)");
        keycloak = TestKeycloak.get();
        admin = new AdminApi(keycloak.baseUrl());
        oauth = new OAuth(keycloak.baseUrl(), DemoFlowIT.REALM);
    }

    @AfterAll
    void deleteRealm() {
        if (admin != null && !ItConfig.keepRealms()) {
            admin.deleteRealm(DemoFlowIT.REALM);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/admin-guide.md", "docs/realm-policy.md"})
    void theShellExamplesRunAsWritten(String document) throws IOException, InterruptedException {
        admin.deleteRealm(DemoFlowIT.REALM);
        admin.createRealm(Json.parse(Files.readString(DemoFlowIT.realmFile())));

        Path file = Paths.get(System.getProperty("basedir", "")).toAbsolutePath().resolve(document);
        List<String> blocks = runnableBlocks(Files.readString(file));
        assertFalse(blocks.isEmpty(), document + " has no runnable shell example");

        String userToken = oauth.login("demo-app", "alice", "alice", "openid").accessToken();
        // kcadm.sh keeps its login under $HOME: a directory of this run's, deleted with the script
        Path home = Files.createTempDirectory("doc-examples-home-");
        StringBuilder script = new StringBuilder()
                .append("set -euo pipefail\n")
                .append("curl() { command curl --fail-with-body --show-error \"$@\"; }\n")
                .append("export HOME=").append(quote(home.toString())).append('\n')
                .append("export KC=").append(quote(keycloak.baseUrl())).append('\n')
                .append("export ADMIN_PASSWORD=").append(quote(AdminApi.ADMIN_PASSWORD)).append('\n')
                .append("export ADMIN_TOKEN=").append(quote(admin.token())).append('\n')
                .append("export USER_TOKEN=").append(quote(userToken)).append('\n');
        for (String block : blocks) {
            script.append(block.replace(DOCUMENTED_URL, keycloak.baseUrl())).append("\necho\n");
        }
        // the script holds the admin's and the user's tokens: it lives only as long as the examples run
        Path scriptFile = Files.createTempFile("doc-examples-", ".sh");
        String output;
        Process p = null;
        try {
            Files.writeString(scriptFile, script);
            p = new ProcessBuilder("bash", scriptFile.toString())
                    .directory(ItConfig.keycloakHome().toFile()) // bin/kcadm.sh, as the examples call it
                    .redirectErrorStream(true).start();
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            // the examples print tokens (the exchange's answer): never into a test report
            output = JWT.matcher(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .replaceAll("<redacted JWT>");
            assertTrue(done, document + ": the examples did not finish in 180 s\n" + output);
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(scriptFile);
            try (var files = Files.walk(home)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        assertEquals(0, p.exitValue(), document + ": an example failed\n" + output);
        assertFalse(output.contains("\"error\""), document + ": an example got an OAuth error\n" + output);
        assertTrue(output.contains("orders-api"), document + ": no example answered about orders-api\n" + output);

        // what the examples set is what the exchange then enforces
        JsonNode rules = Json.parse(Http.get(admin.realmUrl(DemoFlowIT.REALM) + "/obo/clients/orders-api",
                admin.token()).body());
        assertTrue(rules.path("enabled").asBoolean(), rules::toString);
        assertFalse(rules.has("errors"), rules::toString);
    }

    static List<String> runnableBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            String block = m.group(1);
            boolean callsKeycloak = block.contains("curl ") || block.contains("kcadm.sh");
            if (callsKeycloak && NOT_RUN_HERE.stream().noneMatch(block::contains)) {
                blocks.add(block);
            }
        }
        return blocks;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}

package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.SecretLedger;
import io.keyway.persistence.testkit.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator with a full copy of the database holds: no key secret and no provider key, in any encoding. */
class DatabaseDumpTest {
    @Test
    void aFullDumpOfEveryTableHoldsNoGatewaySecretAndNoProviderKey() throws SQLException {
        String openRouterKey = "sk-or-v1-dump-test-provider-key-31337";
        String replacedKey = "sk-or-v1-dump-test-replacement-27182";
        String anthropicKey = "sk-ant-api03-dump-test-provider-key-16180";
        String groqKey = "gsk_dump_test_provider_key_14142";
        String groqReplacement = "gsk_dump_test_replacement_17320";
        String key;
        String management;
        try (FakeUpstream openRouter = FakeUpstream.start(); Gateway gateway = Gateway.start(openRouter.baseUrl(),
                Map.of("keyway.providers.anthropic.check-keys", false, "keyway.providers.groq.check-keys", false))) {
            management = gateway.createAccount("dumped");
            key = gateway.createGatewayKey(management, openRouterKey);
            String second = gateway.createGatewayKey(management, null);
            gateway.send("PUT", "/v1/key/provider-keys/openrouter", second, "{\"api_key\":\"" + SecretLedger.record(replacedKey) + "\"}");
            // Keys of other providers on one gateway key, one of them replaced: each sealed on its own.
            String several = Gateway.field(gateway.post("/v1/keys", management, "{\"name\":\"several\",\"provider_keys\":{\"anthropic\":\""
                    + SecretLedger.record(anthropicKey) + "\",\"groq\":\"" + SecretLedger.record(groqKey) + "\"}}").body(), "key");
            assertEquals(200, gateway.send("PUT", "/v1/key/provider-keys/groq", several,
                    "{\"api_key\":\"" + SecretLedger.record(groqReplacement) + "\"}").statusCode());
            SecretLedger.record(several);
            openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "ok")));
            // Limits, so that the limit counters are in the dump too; the request's usage record is written at the stop.
            assertEquals(200, gateway.send("PATCH", "/v1/keys/" + key.substring(3, 19), management,
                    "{\"limits\":{\"requests_per_minute\":100,\"tokens_per_day\":100000}}").statusCode());
            assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}").statusCode());
            assertEquals("Bearer " + openRouterKey, openRouter.last().header("Authorization"));
        }

        String dump = dumpEveryTable();

        assertTrue(dump.contains(key.substring(3, 19)), "the dump should hold the key's public id: it read nothing");
        assertTrue(dump.contains("…1337"), "the dump should hold the provider key's hint");
        assertTrue(dump.contains("…6180") && dump.contains("…7320"), "the dump should hold the other providers' hints");
        assertTrue(dump.contains("usage_records:") && dump.contains("limit_counters:"), "the usage and limit tables are in the dump");
        List<String> leaks = new ArrayList<>();
        List<String> secrets = new ArrayList<>(SecretLedger.all());
        secrets.addAll(List.of(key, management, openRouterKey, replacedKey, anthropicKey, groqKey, groqReplacement));
        for (String secret : secrets) {
            for (String form : SecretLedger.encodingsOf(secret)) {
                if (dump.contains(form)) {
                    leaks.add(secret.substring(0, Math.min(6, secret.length())) + "… as " + form.length() + " chars");
                }
            }
        }
        assertTrue(leaks.isEmpty(), "secrets found in the database dump: " + leaks);
    }

    /** Every row of every table in the schema, each bytea column as raw bytes, hex and base64. */
    static String dumpEveryTable() throws SQLException {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = TestDatabase.get().connect(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            assertTrue(tables.containsAll(List.of("accounts", "management_keys", "gateway_keys", "provider_keys")), tables.toString());
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    ResultSetMetaData meta = rows.getMetaData();
                    while (rows.next()) {
                        dump.append(table).append(':');
                        for (int column = 1; column <= meta.getColumnCount(); column++) {
                            if (meta.getColumnType(column) == Types.BINARY || meta.getColumnType(column) == Types.VARBINARY) {
                                byte[] bytes = rows.getBytes(column);
                                if (bytes != null) {
                                    dump.append(new String(bytes, StandardCharsets.ISO_8859_1)).append('|')
                                            .append(HexFormat.of().formatHex(bytes)).append('|')
                                            .append(Base64.getEncoder().encodeToString(bytes)).append('|');
                                }
                            } else {
                                dump.append(rows.getString(column)).append('|');
                            }
                        }
                        dump.append('\n');
                    }
                }
            }
        }
        assertFalse(dump.isEmpty());
        return dump.toString();
    }
}

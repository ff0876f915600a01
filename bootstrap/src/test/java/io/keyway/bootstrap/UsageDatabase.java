package io.keyway.bootstrap;

import io.keyway.persistence.testkit.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The usage rows a test's gateway wrote, read straight from the test database. */
final class UsageDatabase {
    private UsageDatabase() {
    }

    static List<Map<String, Object>> rows(String keyId) {
        try (Connection connection = TestDatabase.get().connect();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM usage_records WHERE key_id = ? ORDER BY id")) {
            select.setString(1, keyId);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet found = select.executeQuery()) {
                ResultSetMetaData columns = found.getMetaData();
                while (found.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns.getColumnCount(); i++) {
                        row.put(columns.getColumnName(i), found.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

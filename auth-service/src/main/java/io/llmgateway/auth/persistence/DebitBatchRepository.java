package io.llmgateway.auth.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements of a batch debit, on one connection inside the caller's transaction, each a single
 * round trip whatever the batch size (column arrays through {@code unnest}). Rows are locked in id
 * order, accounts before keys, so two auth replicas settling overlapping batches queue instead of
 * deadlocking. Amounts travel as decimal strings so no digit is lost on the way.
 */
@ApplicationScoped
public class DebitBatchRepository {

    static final String LOCK_ACCOUNTS = """
            SELECT id FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE""";

    // ON CONFLICT DO NOTHING makes a replayed generation insert nothing; RETURNING tells which were new.
    static final String INSERT_DEBITS = """
            INSERT INTO ledger_entries (id, account_id, kind, amount, generation_id, key_hash, created_at)
            SELECT nextval('ledger_entries_seq'), a, 'debit', -(c::numeric), g, k, $5
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(g, a, c, k)
            ORDER BY g
            ON CONFLICT (generation_id) DO NOTHING
            RETURNING generation_id""";

    static final String DEBIT_ACCOUNTS = """
            UPDATE accounts AS a SET balance = a.balance - u.amount::numeric, version = a.version + 1, updated_at = $3
            FROM unnest($1::text[], $2::text[]) AS u(id, amount)
            WHERE a.id = u.id
            RETURNING a.id, a.balance, a.version""";

    static final String LOCK_KEYS = """
            SELECT hash, account_id, label, kind, disabled, expires_at, limit_usd, limit_reset, usage_total, usage_daily,
                usage_weekly, usage_monthly, usage_day, usage_week, usage_month, rpm, tpm, version
            FROM api_keys WHERE hash = ANY($1::text[]) ORDER BY hash FOR UPDATE""";

    static final String UPDATE_KEYS = """
            UPDATE api_keys AS k SET usage_total = u.total::numeric, usage_daily = u.daily::numeric,
                usage_weekly = u.weekly::numeric, usage_monthly = u.monthly::numeric, usage_day = u.day::date,
                usage_week = u.week::date, usage_month = u.month::date, version = u.version, updated_at = $10
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::bigint[]) AS u(hash, total, daily, weekly, monthly, day, week, month, version)
            WHERE k.hash = u.hash""";

    /** One debit row to insert. */
    public record DebitRow(String generationId, String accountId, BigDecimal amount, String keyHash) {
    }

    /** Locks the accounts that exist among {@code ids}; the answer is those ids. */
    public Uni<Set<String>> lockAccounts(SqlConnection conn, Collection<String> ids) {
        return conn.preparedQuery(LOCK_ACCOUNTS).execute(Tuple.of((Object) ids.toArray(String[]::new))).map(rows -> {
            Set<String> found = new HashSet<>();
            for (Row row : rows) {
                found.add(row.getString(0));
            }
            return found;
        });
    }

    /** Inserts the debits (positive amounts, stored negated); the answer is the generation ids that were new. */
    public Uni<Set<String>> insertDebits(SqlConnection conn, List<DebitRow> debits, Instant at) {
        int n = debits.size();
        String[] g = new String[n], a = new String[n], c = new String[n], k = new String[n];
        for (int i = 0; i < n; i++) {
            DebitRow d = debits.get(i);
            g[i] = d.generationId();
            a[i] = d.accountId();
            c[i] = d.amount().toPlainString();
            k[i] = d.keyHash();
        }
        return conn.preparedQuery(INSERT_DEBITS).execute(Tuple.of(g, a, c, k, utc(at))).map(rows -> {
            Set<String> inserted = new HashSet<>();
            for (Row row : rows) {
                inserted.add(row.getString(0));
            }
            return inserted;
        });
    }

    /** Subtracts each sum from its account's balance; the answer is the accounts' new state. */
    public Uni<Map<String, AccountEntity>> debitAccounts(SqlConnection conn, Map<String, BigDecimal> sums, Instant at) {
        String[] ids = sums.keySet().toArray(String[]::new);
        String[] amounts = sums.values().stream().map(BigDecimal::toPlainString).toArray(String[]::new);
        return conn.preparedQuery(DEBIT_ACCOUNTS).execute(Tuple.of(ids, amounts, utc(at))).map(rows -> {
            Map<String, AccountEntity> out = new LinkedHashMap<>();
            for (Row row : rows) {
                AccountEntity account = new AccountEntity();
                account.id = row.getString("id");
                account.balance = row.getBigDecimal("balance");
                account.version = row.getLong("version");
                account.updatedAt = at;
                out.put(account.id, account);
            }
            return out;
        });
    }

    /** Locks the keys that exist among {@code hashes}, read into detached entities. */
    public Uni<Map<String, ApiKeyEntity>> lockKeys(SqlConnection conn, Collection<String> hashes) {
        return conn.preparedQuery(LOCK_KEYS).execute(Tuple.of((Object) hashes.toArray(String[]::new))).map(rows -> {
            Map<String, ApiKeyEntity> out = new LinkedHashMap<>();
            for (Row row : rows) {
                ApiKeyEntity key = key(row);
                out.put(key.hash, key);
            }
            return out;
        });
    }

    /** Writes the usage counters and version of keys whose counters the caller already advanced. */
    public Uni<Void> updateKeys(SqlConnection conn, Collection<ApiKeyEntity> keys, Instant at) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = keys.size();
        String[] hash = new String[n], total = new String[n], daily = new String[n], weekly = new String[n],
                monthly = new String[n], day = new String[n], week = new String[n], month = new String[n];
        Long[] version = new Long[n];
        int i = 0;
        for (ApiKeyEntity k : keys) {
            hash[i] = k.hash;
            total[i] = k.usageTotal.toPlainString();
            daily[i] = k.usageDaily.toPlainString();
            weekly[i] = k.usageWeekly.toPlainString();
            monthly[i] = k.usageMonthly.toPlainString();
            day[i] = k.usageDay.toString();
            week[i] = k.usageWeek.toString();
            month[i] = k.usageMonth.toString();
            version[i] = k.version;
            i++;
        }
        return conn.preparedQuery(UPDATE_KEYS)
                .execute(Tuple.from(List.<Object>of(hash, total, daily, weekly, monthly, day, week, month, version,
                        utc(at))))
                .replaceWithVoid();
    }

    private static ApiKeyEntity key(Row row) {
        ApiKeyEntity key = new ApiKeyEntity();
        key.hash = row.getString("hash");
        key.accountId = row.getString("account_id");
        key.label = row.getString("label");
        key.kind = row.getString("kind");
        key.disabled = row.getBoolean("disabled");
        OffsetDateTime expires = row.getOffsetDateTime("expires_at");
        key.expiresAt = expires == null ? null : expires.toInstant();
        key.limitUsd = row.getBigDecimal("limit_usd");
        key.limitReset = row.getString("limit_reset");
        key.usageTotal = row.getBigDecimal("usage_total");
        key.usageDaily = row.getBigDecimal("usage_daily");
        key.usageWeekly = row.getBigDecimal("usage_weekly");
        key.usageMonthly = row.getBigDecimal("usage_monthly");
        key.usageDay = row.getLocalDate("usage_day");
        key.usageWeek = row.getLocalDate("usage_week");
        key.usageMonth = row.getLocalDate("usage_month");
        key.rpm = row.getInteger("rpm");
        key.tpm = row.getInteger("tpm");
        key.version = row.getLong("version");
        return key;
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}

package dev.dspy4j.kafka;

import dev.dspy4j.core.helicone.HeliconeHeaderNames;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The Helicone headers of one input record: its session, user and properties from Kafka headers of
 * the same names ({@code Helicone-Session-Id}, {@code -Name}, {@code -Path}, {@code
 * Helicone-User-Id}, {@code Helicone-Property-*}, compared ignoring case; the last of a repeated
 * header wins; others are ignored), and a request id derived from where the record is. *
 *
 * <p>Internal to the runner (package-private; not part of the API).
 */
final class RecordHelicone {

  private static final String PROPERTY_PREFIX =
      HeliconeHeaderNames.PROPERTY_PREFIX.toLowerCase(Locale.ROOT);

  private RecordHelicone() {}

  /**
   * A name-based (version 3) UUID of {@code groupId/topic/partition/offset}: the same record in the
   * same group always gets the same id, so a redelivered record is recognisable in Helicone's logs.
   */
  public static UUID requestId(String groupId, String topic, int partition, long offset) {
    String name = groupId + "/" + topic + "/" + partition + "/" + offset;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Helicone headers for the calls of this record.
   *
   * @throws IllegalArgumentException when a Helicone header's value is not a valid header value
   */
  public static HeliconeHeaders headers(Headers kafkaHeaders, @Nullable UUID requestId) {
    var b = HeliconeHeaders.builder();
    for (Header h : kafkaHeaders) {
      String name = h.key().toLowerCase(Locale.ROOT);
      if (!name.startsWith("helicone-")) continue;
      String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
      if (name.equals(HeliconeHeaderNames.SESSION_ID.toLowerCase(Locale.ROOT))) {
        b.sessionId(value);
      } else if (name.equals(HeliconeHeaderNames.SESSION_NAME.toLowerCase(Locale.ROOT))) {
        b.sessionName(value);
      } else if (name.equals(HeliconeHeaderNames.SESSION_PATH.toLowerCase(Locale.ROOT))) {
        b.sessionPath(value);
      } else if (name.equals(HeliconeHeaderNames.USER_ID.toLowerCase(Locale.ROOT))) {
        b.userId(value);
      } else if (name.startsWith(PROPERTY_PREFIX) && name.length() > PROPERTY_PREFIX.length()) {
        b.property(h.key().substring(PROPERTY_PREFIX.length()), value);
      }
    }
    if (requestId != null) b.requestId(requestId);
    return b.build();
  }
}

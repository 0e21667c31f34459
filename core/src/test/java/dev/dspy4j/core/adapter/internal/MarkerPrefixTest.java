package dev.dspy4j.core.adapter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.adapter.ChatAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * {@link MarkerPrefix} gives, character by character, the answers of {@link
 * ChatAdapter#FIELD_HEADER}.
 */
class MarkerPrefixTest {

  private static final Pattern WORD = Pattern.compile("\\w", Pattern.UNICODE_CHARACTER_CLASS);

  @Test
  void isWordAgreesWithTheRegexOnEveryBmpCharacterAndThePlanesAbove() {
    for (int cp = 0; cp <= 0xFFFF; cp++) {
      if (Character.isSurrogate((char) cp)) continue;
      assertThat(MarkerPrefix.isWord(cp))
          .as("U+%04X", cp)
          .isEqualTo(WORD.matcher(Character.toString(cp)).matches());
    }
    for (int cp = 0x10000; cp <= 0x10FFFF; cp += 7) {
      assertThat(MarkerPrefix.isWord(cp))
          .as("U+%04X", cp)
          .isEqualTo(WORD.matcher(Character.toString(cp)).matches());
    }
  }

  @Test
  void markersAreRecognisedAtTheirLastCharacter() {
    assertThat(states("[[ ## answer ## ]]"))
        .endsWith(MarkerPrefix.State.COMPLETE)
        .doesNotContain(MarkerPrefix.State.IMPOSSIBLE);
    assertThat(states("[[ ## réponse_2 ## ]]")).endsWith(MarkerPrefix.State.COMPLETE);
    assertThat(states("[[ ## 𝒜nswer ## ]]")).endsWith(MarkerPrefix.State.COMPLETE);
    assertThat(states("[[ ##  answer ## ]]")).endsWith(MarkerPrefix.State.IMPOSSIBLE);
    assertThat(states("[[ ## ## ]]")).endsWith(MarkerPrefix.State.IMPOSSIBLE);
    assertThat(states("[ ## a ## ]]")).endsWith(MarkerPrefix.State.IMPOSSIBLE);
    assertThat(states("[[ ## a b ## ]]")).endsWith(MarkerPrefix.State.IMPOSSIBLE);
  }

  private static final String[] PIECES = {
    "[[ ## ", " ## ]]", "[", "]", "#", " ", "  ", "a", "Z", "_", "9", "é", "日", "𝒜", "\u0301",
    "\u200d", "-", ".", "answer", "\uD835", "x"
  };

  /**
   * For random lines made of marker pieces, every prefix gets the regex's verdict: COMPLETE when
   * {@code lookingAt} matches, POSSIBLE when it does not but {@code hitEnd}, IMPOSSIBLE otherwise
   * (a prefix ending in a lone high surrogate is skipped: there the regex cannot yet see the code
   * point).
   */
  @RepeatedTest(200)
  void everyPrefixOfRandomLinesGetsTheRegexVerdict(RepetitionInfo info) {
    var random = new Random(31L * info.getCurrentRepetition());
    var sb = new StringBuilder();
    for (int i = 1 + random.nextInt(8); i > 0; i--)
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    String line = sb.toString();
    var marker = new MarkerPrefix();
    for (int i = 0; i < line.length(); i++) {
      MarkerPrefix.State state = marker.next(line.charAt(i));
      String prefix = line.substring(0, i + 1);
      if (Character.isHighSurrogate(line.charAt(i))) {
        if (state == MarkerPrefix.State.IMPOSSIBLE) break;
        continue;
      }
      Matcher m = ChatAdapter.FIELD_HEADER.matcher(prefix);
      MarkerPrefix.State expected =
          m.lookingAt()
              ? MarkerPrefix.State.COMPLETE
              : m.hitEnd() ? MarkerPrefix.State.POSSIBLE : MarkerPrefix.State.IMPOSSIBLE;
      assertThat(state).as("after %s", prefix).isEqualTo(expected);
      if (state != MarkerPrefix.State.POSSIBLE) break;
    }
  }

  private static List<MarkerPrefix.State> states(String line) {
    var marker = new MarkerPrefix();
    var out = new ArrayList<MarkerPrefix.State>();
    for (int i = 0; i < line.length(); i++) {
      MarkerPrefix.State s = marker.next(line.charAt(i));
      out.add(s);
      if (s != MarkerPrefix.State.POSSIBLE) break;
    }
    return out;
  }
}

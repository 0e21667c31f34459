package dev.dspy4j.core.evaluate.internal;

import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.Map;

/**
 * The signatures of DSPy's LM-judged metrics ({@code dspy/evaluate/auto_evaluation.py}), with
 * DSPy's instructions and field descriptions word for word, so their prompts are DSPy's.
 */
public final class JudgeSignatures {

  private static final String GT_COVERED =
      "fraction (out of 1.0) of ground truth covered by the system response";
  private static final String RESPONSE_COVERED =
      "fraction (out of 1.0) of system response covered by the ground truth";
  private static final String GT_IDEAS = "enumeration of key ideas in the ground truth";
  private static final String RESPONSE_IDEAS = "enumeration of key ideas in the system response";
  private static final String OVERLAP =
      "discussion of the overlap between ground truth and system response";

  public static final Signature SEMANTIC_RECALL_PRECISION =
      signature(
          "question: str, ground_truth: str, system_response: str -> recall: float, precision: float",
          "Compare a system's response to the ground truth to compute its recall and precision.\n"
              + "If asked to reason, enumerate key ideas in each response, and whether they are present in the other"
              + " response.",
          Map.of("recall", GT_COVERED, "precision", RESPONSE_COVERED));

  public static final Signature DECOMPOSITIONAL_SEMANTIC_RECALL_PRECISION =
      signature(
          "question: str, ground_truth: str, system_response: str -> ground_truth_key_ideas: str,"
              + " system_response_key_ideas: str, discussion: str, recall: float, precision: float",
          "Compare a system's response to the ground truth to compute recall and precision of key ideas.\n"
              + "You will first enumerate key ideas in each response, discuss their overlap, and then report recall and"
              + " precision.",
          Map.of(
              "ground_truth_key_ideas",
              GT_IDEAS,
              "system_response_key_ideas",
              RESPONSE_IDEAS,
              "discussion",
              OVERLAP,
              "recall",
              GT_COVERED,
              "precision",
              RESPONSE_COVERED));

  public static final Signature ANSWER_COMPLETENESS =
      signature(
          "question: str, ground_truth: str, system_response: str -> ground_truth_key_ideas: str,"
              + " system_response_key_ideas: str, discussion: str, completeness: float",
          "Estimate the completeness of a system's responses, against the ground truth.\n"
              + "You will first enumerate key ideas in each response, discuss their overlap, and then report"
              + " completeness.",
          Map.of(
              "ground_truth_key_ideas",
              GT_IDEAS,
              "system_response_key_ideas",
              RESPONSE_IDEAS,
              "discussion",
              OVERLAP,
              "completeness",
              GT_COVERED));

  public static final Signature ANSWER_GROUNDEDNESS =
      signature(
          "question: str, retrieved_context: str, system_response: str -> system_response_claims: str,"
              + " discussion: str, groundedness: float",
          "Estimate the groundedness of a system's responses, against real retrieved documents written by people.\n"
              + "You will first enumerate whatever non-trivial or check-worthy claims are made in the system response,"
              + " and then\n"
              + "discuss the extent to which some or all of them can be deduced from the retrieved context and basic"
              + " commonsense.",
          Map.of(
              "system_response_claims",
              "enumeration of non-trivial or check-worthy claims in the system response",
              "discussion",
              "discussion of how supported the claims are by the retrieved context",
              "groundedness",
              "fraction (out of 1.0) of system response supported by the retrieved context"));

  private JudgeSignatures() {}

  private static Signature signature(
      String fields, String instructions, Map<String, String> descriptions) {
    var described = new ArrayList<Field>();
    for (Field f : Signature.parse(fields).fields()) {
      described.add(
          descriptions.containsKey(f.name()) ? f.withDescription(descriptions.get(f.name())) : f);
    }
    return Signature.of(described, instructions);
  }

  /** DSPy's {@code f1_score(precision, recall)} of auto_evaluation: both clamped to [0, 1]. */
  public static double f1(double precision, double recall) {
    double p = Math.max(0.0, Math.min(1.0, precision));
    double r = Math.max(0.0, Math.min(1.0, recall));
    return p + r == 0 ? 0.0 : 2 * (p * r) / (p + r);
  }
}

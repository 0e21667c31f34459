package dev.dspy4j.kafka.testing;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.kafka.KafkaRun;
import dev.dspy4j.kafka.KafkaRunner;
import dev.dspy4j.kafka.KafkaRunnerProgress;
import dev.dspy4j.streaming.LM;

/**
 * A runner in a JVM of its own, for the test that kills one runner's process: {@code
 * <bootstrap> <group> <in> <out> <failed> <apiBase> <concurrency>}. Prints {@code PROGRESS <done>
 * <inFlight> <uncommitted> <assigned>} every 10 ms until it is killed.
 */
public final class RunnerProcess {

  private RunnerProcess() {}

  public static void main(String[] args) throws Exception {
    LM lm = LM.builder("gpt-4o-mini").apiKey("sk-kafka-test-key").apiBase(args[5]).cache(false).build();
    KafkaRun run = fastFailover(KafkaRunner.builder(Predict.of("question -> answer")))
        .bootstrapServers(args[0]).groupId(args[1]).inputTopic(args[2]).outputTopic(args[3]).failureTopic(args[4])
        .concurrency(Integer.parseInt(args[6]))
        .contextWrite(Dspy.withLm(lm))
        .build().start();
    while (true) {
      KafkaRunnerProgress p = run.progress();
      System.out.println("PROGRESS " + p.done() + " " + p.inFlight() + " " + p.uncommitted() + " " + p.assignedPartitions());
      System.out.flush();
      Thread.sleep(10);
    }
  }

  /** Consumer settings that let the group notice a dead member within about 2 s. */
  public static KafkaRunner.Builder fastFailover(KafkaRunner.Builder b) {
    return b.consumerProperty("session.timeout.ms", 2000).consumerProperty("heartbeat.interval.ms", 200);
  }
}

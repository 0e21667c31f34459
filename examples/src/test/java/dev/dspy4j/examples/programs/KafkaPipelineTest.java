package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;

/**
 * The {@code kafka} example against a real in-process KRaft broker and the embedded local gateway.
 */
class KafkaPipelineTest {

  @Test
  @SuppressWarnings("try") // KafkaClusterTestKit.close() may throw InterruptedException
  void answersEveryQuestionThroughTwoRunnersAndSendsThePoisonRecordToTheFailureTopic()
      throws Exception {
    try (var cluster =
            new KafkaClusterTestKit.Builder(
                    new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        var gateway =
            LocalGateway.builder()
                .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .start()) {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      System.setProperty("dspy4j.kafka.bootstrap", cluster.bootstrapServers());
      var out = new ByteArrayOutputStream();
      int exit;
      var config =
          new ExampleConfig(
              Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
      try (var runtime =
          ExampleRuntime.withGateway(
              config, new PrintStream(out, true, StandardCharsets.UTF_8), gateway)) {
        exit = new KafkaPipeline().run(runtime);
      } finally {
        System.clearProperty("dspy4j.kafka.bootstrap");
      }
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(printed).isZero();
      assertThat(printed)
          .contains("100 answers, 1 failure record(s)")
          .contains("InvalidInputException");
      assertThat(gateway.requests()).hasSize(100);
      assertThat(gateway.requests())
          .allSatisfy(
              r -> {
                assertThat(r.header("Helicone-Session-Path")).hasValue("/kafka/squares");
                assertThat(r.header("Helicone-Property-Pipeline")).hasValue("kafka-example");
                assertThat(r.header("Helicone-Request-Id")).isPresent();
              });
    }
  }
}

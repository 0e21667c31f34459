package dev.dspy4j.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionWindowTest {

  private final TopicPartition tp = new TopicPartition("in", 0);
  private final PartitionWindow window = new PartitionWindow(tp);

  private RecordTask started(long offset) {
    var task =
        new RecordTask(window, new ConsumerRecord<>("in", 0, offset, new byte[0], new byte[0]));
    window.tasks.addLast(task);
    return task;
  }

  @Test
  void commitsOnlyTheRunOfDoneRecordsAtTheHeadAndCountsThemUntilTheCommitIsAcknowledged() {
    var t10 = started(10);
    var t11 = started(11);
    var t14 = started(14); // offsets may have gaps (compaction, transaction markers)
    t11.state = RecordTask.State.DONE;
    t14.state = RecordTask.State.DONE;
    var commits = new HashMap<TopicPartition, OffsetAndMetadata>();
    assertThat(window.takeCommittable(commits)).isZero(); // 10 is still running: nothing past it
    assertThat(commits).isEmpty();

    t10.state = RecordTask.State.DONE;
    assertThat(window.takeCommittable(commits)).isEqualTo(3);
    assertThat(commits.get(tp).offset()).isEqualTo(15);
    assertThat(window.tasks).isEmpty();
    assertThat(window.uncommitted()).isEqualTo(3); // sent, not yet acknowledged

    var t15 = started(15);
    t15.state = RecordTask.State.DONE;
    commits.clear();
    assertThat(window.takeCommittable(commits)).isEqualTo(1);
    assertThat(window.acknowledged(15)).isEqualTo(3);
    assertThat(window.uncommitted()).isEqualTo(1);
    assertThat(window.acknowledged(16)).isEqualTo(1);
    assertThat(window.uncommitted()).isZero();
  }
}

package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardMapTest {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    @Test
    void hashIsTheUnsignedMd5OfThePartitionKey() {
        assertThat(ShardMap.hashOf("536365")).isEqualTo(new BigInteger(MD5_536365, 16));
        // A hash with the top bit set stays positive (unsigned), as Kinesis treats it.
        assertThat(ShardMap.hashOf("C536379")).isEqualTo(new BigInteger(MD5_C536379, 16));
        assertThat(ShardMap.hashOf("C536379").signum()).isPositive();
        assertThat(ShardMap.hashOf("")).isEqualTo(new BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16));
    }

    // `printf %s 536365 | md5sum` and `printf %s C536379 | md5sum`
    static final String MD5_536365 = "3e6d49ce854b76d86815ff3477cd963e";
    static final String MD5_C536379 = "97fc9da17591f29f551910150dc31078";

    @Test
    void uniformFourSplitsTheWholeSpaceEvenlyWithNoGap() {
        List<HashKeyRange> shards = ShardMap.uniform(4).shards();
        assertThat(shards)
                .extracting(HashKeyRange::shardId)
                .containsExactly(
                        "shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003");
        assertThat(shards.get(0).startingHashKey()).isEqualTo(BigInteger.ZERO);
        assertThat(shards.get(3).endingHashKey()).isEqualTo(TWO_128.subtract(BigInteger.ONE));
        for (int i = 0; i < 4; i++) {
            assertThat(shards.get(i).startingHashKey())
                    .isEqualTo(TWO_128.shiftRight(2).multiply(BigInteger.valueOf(i)));
            if (i > 0) {
                assertThat(shards.get(i).startingHashKey())
                        .isEqualTo(shards.get(i - 1).endingHashKey().add(BigInteger.ONE));
            }
        }
        // The values Kinesis itself reports for a 4-shard stream.
        assertThat(shards.get(1).startingHashKey()).hasToString("85070591730234615865843651857942052864");
        assertThat(shards.get(0).endingHashKey()).hasToString("85070591730234615865843651857942052863");
    }

    @Test
    void uniformThreeMatchesKinesisSplitOfAnUnevenSpace() {
        List<HashKeyRange> shards = ShardMap.uniform(3).shards();
        assertThat(shards.get(1).startingHashKey()).hasToString("113427455640312821154458202477256070485");
        assertThat(shards.get(2).startingHashKey()).hasToString("226854911280625642308916404954512140970");
    }

    @Test
    void boundariesBelongToTheRightShard() {
        ShardMap map = ShardMap.uniform(4);
        BigInteger quarter = TWO_128.shiftRight(2);
        assertThat(map.shardForHash(BigInteger.ZERO)).isEqualTo("shardId-000000000000");
        assertThat(map.shardForHash(quarter.subtract(BigInteger.ONE))).isEqualTo("shardId-000000000000");
        assertThat(map.shardForHash(quarter)).isEqualTo("shardId-000000000001");
        assertThat(map.shardForHash(TWO_128.subtract(BigInteger.ONE))).isEqualTo("shardId-000000000003");
        assertThatThrownBy(() -> map.shardForHash(TWO_128)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shardForUsesTheKeysHash() {
        ShardMap map = ShardMap.uniform(4);
        BigInteger h = new BigInteger(MD5_536365, 16);
        String expected = "shardId-00000000000" + h.shiftRight(126).intValueExact();
        assertThat(map.shardFor("536365")).isEqualTo(expected);
    }

    @Test
    void sampleInvoicesSpreadOverAllFourShards() {
        ShardMap map = ShardMap.uniform(4);
        Map<String, Integer> perShard = new HashMap<>();
        Fixtures.sampleTransactions().stream()
                .map(Transaction::invoiceNo)
                .distinct()
                .forEach(inv -> perShard.merge(map.shardFor(inv), 1, Integer::sum));
        assertThat(perShard).hasSize(4);
        assertThat(perShard.values()).allSatisfy(n -> assertThat(n).isBetween(40, 110)); // 300 invoices
    }

    @Test
    void reshardedMapWithUnevenRangesIsAccepted() {
        BigInteger half = TWO_128.shiftRight(1);
        BigInteger quarter = TWO_128.shiftRight(2);
        ShardMap map = new ShardMap(List.of(
                new HashKeyRange("shardId-000000000002", half, TWO_128.subtract(BigInteger.ONE)),
                new HashKeyRange("shardId-000000000003", BigInteger.ZERO, quarter.subtract(BigInteger.ONE)),
                new HashKeyRange("shardId-000000000004", quarter, half.subtract(BigInteger.ONE))));
        assertThat(map.shardForHash(quarter)).isEqualTo("shardId-000000000004");
        assertThat(map.shards())
                .extracting(HashKeyRange::shardId)
                .containsExactly("shardId-000000000003", "shardId-000000000004", "shardId-000000000002");
    }

    @Test
    void gapsAndOverlapsAreRejected() {
        BigInteger half = TWO_128.shiftRight(1);
        BigInteger max = TWO_128.subtract(BigInteger.ONE);
        assertThatThrownBy(() -> new ShardMap(List.of(
                        new HashKeyRange("a", BigInteger.ZERO, half.subtract(BigInteger.TWO)),
                        new HashKeyRange("b", half, max))))
                .hasMessageContaining("gap");
        assertThatThrownBy(() -> new ShardMap(List.of(
                        new HashKeyRange("parent", BigInteger.ZERO, max), new HashKeyRange("child", half, max))))
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> new ShardMap(List.of(new HashKeyRange("a", BigInteger.ZERO, half))))
                .hasMessageContaining("2^128-1");
        assertThatThrownBy(() -> new ShardMap(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}

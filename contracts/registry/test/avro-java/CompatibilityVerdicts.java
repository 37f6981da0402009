import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Apache Avro's own verdict on reader/writer schema pairs, for avro-java-compatibility.test.ts.
 *
 * <p>Reads a JSON array of {"id", "reader", "writer"} (schemas as JSON text) on stdin and writes a JSON array
 * of {"id", "compatible", "incompatibilities": [{"type", "location", "message"}]} on stdout, one entry per
 * pair, in order; a schema Avro refuses to parse gives {"id", "error"} instead. All pairs go through one
 * JVM so the cross-check costs one start. Run with the source launcher:
 * java -cp '<avro libs>/*' CompatibilityVerdicts.java < pairs.json
 */
public class CompatibilityVerdicts {
  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode pairs = json.readTree(readAll(System.in));
    ArrayNode verdicts = json.createArrayNode();
    for (JsonNode pair : pairs) {
      ObjectNode verdict = verdicts.addObject();
      verdict.put("id", pair.get("id").asText());
      try {
        // One parser per schema: a parser remembers the names it defined and refuses a second definition.
        Schema reader = new Schema.Parser().parse(pair.get("reader").asText());
        Schema writer = new Schema.Parser().parse(pair.get("writer").asText());
        SchemaCompatibilityResult result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        verdict.put("compatible", result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE);
        ArrayNode incompatibilities = verdict.putArray("incompatibilities");
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
          ObjectNode entry = incompatibilities.addObject();
          entry.put("type", incompatibility.getType().name());
          entry.put("location", incompatibility.getLocation());
          entry.put("message", incompatibility.getMessage());
        }
      } catch (RuntimeException error) {
        verdict.put("error", error.toString());
      }
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println(json.writeValueAsString(verdicts));
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}

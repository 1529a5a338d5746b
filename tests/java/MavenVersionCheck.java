// Reference for iotlabel's Maven ordering: Maven's own ComparableVersion (run with the
// maven-artifact jar on the class path). Reads "a<TAB>b" lines from the file named by the first
// argument and prints -1 / 0 / 1 per line.
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenVersionCheck {
    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isEmpty()) continue;
            String[] pair = line.split("\t", 2);
            int c = new ComparableVersion(pair[0]).compareTo(new ComparableVersion(pair[1]));
            out.append(Integer.signum(c)).append('\n');
        }
        System.out.print(out);
    }
}

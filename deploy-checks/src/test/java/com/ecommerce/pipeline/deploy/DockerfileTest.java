package com.ecommerce.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the linters cannot know: the Dockerfile builds what compose asks of it, and runs it as a non-root user. */
class DockerfileTest {

    private final String dockerfile = Repository.read(Repository.DOCKERFILE);
    private final List<String> lines = Arrays.asList(dockerfile.split("\n"));

    @Test
    void everyBaseImageIsPinnedToAVersion() {
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        for (String from : froms) {
            String image = from.split("\\s+")[1];
            assertThat(image.substring(image.indexOf(':') + 1))
                    .as(from)
                    .matches("\\d+(\\.\\d+)*[._-].*|\\d+(\\.\\d+)+");
        }
    }

    @Test
    void theRuntimeStageRunsAsANonRootUser() {
        int lastFrom = lastIndex("FROM ");
        int user = lastIndex("USER ");
        assertThat(user).as("USER in the runtime stage").isGreaterThan(lastFrom);
        String who = lines.get(user).substring("USER ".length()).trim();
        assertThat(who).doesNotStartWith("root").doesNotStartWith("0:").isNotEqualTo("0");
        assertThat(lastIndex("ENTRYPOINT ")).isGreaterThan(user);
    }

    @Test
    void theBuildStageBuildsEveryModuleComposeAsksFor() {
        Matcher pl = Pattern.compile("-pl ([a-z0-9,-]+)").matcher(dockerfile);
        assertThat(pl.find()).isTrue();
        List<String> built = List.of(pl.group(1).split(","));
        ComposeFile compose = ComposeFile.load();
        for (String service : compose.services().keySet()) {
            String module = compose.module(service);
            if (module != null) {
                assertThat(built).as("modules the Dockerfile builds (-pl)").contains(module);
                assertThat(Repository.file(module + "/pom.xml")).exists();
            }
        }
    }

    @Test
    void volumesOfTheBuiltServicesAreDirectoriesTheUserOwnsInTheImage() {
        // A new named volume takes the owner of the image's directory; one the image lacks would be root's.
        ComposeFile compose = ComposeFile.load();
        Matcher install =
                Pattern.compile("install -d -o 10001 -g 10001 ([^\\n]+)").matcher(dockerfile);
        assertThat(install.find()).isTrue();
        List<String> owned = List.of(install.group(1).trim().split("\\s+"));
        for (String service : compose.services().keySet()) {
            Object volumes = compose.service(service).get("volumes");
            if (compose.module(service) == null || !(volumes instanceof List<?> list)) {
                continue;
            }
            for (Object volume : list) {
                String target = volume.toString().split(":")[1];
                assertThat(owned).as("volume %s of %s", volume, service).contains(target);
            }
        }
        assertThat(dockerfile).contains("USER 10001:10001");
    }

    @Test
    void theJarVersionIsTheProjectVersion() {
        Matcher pom = Pattern.compile("<artifactId>ecommerce-pipeline</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Repository.read("pom.xml"));
        assertThat(pom.find()).isTrue();
        assertThat(dockerfile).contains("ARG VERSION=" + pom.group(1) + "\n");
    }

    @Test
    void theProfilesItSwitchesOffExistInLocalCloud() {
        // A renamed profile would be silently ignored by -P '!id' and run npm inside the image build.
        Matcher p = Pattern.compile("-P '([^']+)'").matcher(dockerfile);
        assertThat(p.find()).isTrue();
        String localCloudPom = Repository.read("local-cloud/pom.xml");
        for (String id : p.group(1).split(",")) {
            assertThat(id).startsWith("!");
            assertThat(localCloudPom).contains("<id>" + id.substring(1) + "</id>");
        }
    }

    @Test
    void theAwsProfileIsInTheImageAndBuildOutputIsNotInTheContext() {
        assertThat(dockerfile)
                .contains("/src/" + ConfigProfilesTest.AWS_PROFILE + " /app/" + ConfigProfilesTest.AWS_PROFILE);
        List<String> ignored = Arrays.asList(Repository.read(".dockerignore").split("\n"));
        assertThat(ignored)
                .contains(".git", "**/target", "**/node_modules", ".pipeline")
                .doesNotContain("config");
    }

    private int lastIndex(String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}

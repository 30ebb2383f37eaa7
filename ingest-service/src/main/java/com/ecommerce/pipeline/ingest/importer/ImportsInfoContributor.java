package com.ecommerce.pipeline.ingest.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** {@code /actuator/info} → {@code imports}: files per state, rows imported, the last pass. */
@Component
class ImportsInfoContributor implements InfoContributor {

    private final Importer importer;
    private final ImportProperties properties;

    ImportsInfoContributor(Importer importer, ImportProperties properties) {
        this.importer = importer;
        this.properties = properties;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", "s3://" + properties.bucket() + "/" + properties.prefix());
        details.put("scheduled", properties.enabled() ? "every " + properties.interval() : "off");
        try {
            List<ImportFile> files = importer.files();
            details.put("files", ImportsController.counts(files));
            details.put(
                    "rowsImported",
                    files.stream()
                            .filter(f -> f.state() == ImportState.DONE)
                            .mapToLong(ImportFile::accepted)
                            .sum());
        } catch (RuntimeException e) {
            details.put("error", "the import status table is unreachable: " + e.getMessage());
        }
        importer.lastPass().ifPresent(t -> details.put("lastPass", t.toString()));
        builder.withDetail("imports", details);
    }
}

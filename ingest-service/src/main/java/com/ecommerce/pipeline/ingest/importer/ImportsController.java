package com.ecommerce.pipeline.ingest.importer;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /imports} runs a pass of the batch import now ({@code 202} with the files it picked up;
 * they are imported in the background); {@code GET /imports} shows every file's status.
 */
@RestController
class ImportsController {

    private final Importer importer;

    ImportsController(Importer importer) {
        this.importer = importer;
    }

    @PostMapping("/imports")
    ResponseEntity<PassResponse> run(@RequestParam(name = "retryFailed", defaultValue = "false") boolean retryFailed) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new PassResponse(importer.runNow(retryFailed)));
    }

    @GetMapping("/imports")
    StatusResponse status() {
        List<ImportFile> files = importer.files();
        return new StatusResponse(counts(files), importer.lastPass().orElse(null), files);
    }

    static Map<ImportState, Long> counts(List<ImportFile> files) {
        Map<ImportState, Long> counts = new EnumMap<>(ImportState.class);
        for (ImportState s : ImportState.values()) {
            counts.put(s, 0L);
        }
        files.forEach(f -> counts.merge(f.state(), 1L, Long::sum));
        return counts;
    }

    record PassResponse(List<ImportFile> pickedUp) {}

    record StatusResponse(Map<ImportState, Long> counts, Instant lastPass, List<ImportFile> files) {}
}

package com.ecommerce.pipeline.lake.compact;

/** One object of the raw archive: its full path ({@code s3://bucket/key}) and size in bytes. */
public record ArchiveObject(String path, long size) {}

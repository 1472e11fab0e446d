package io.jworkers.runtime.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * uPlot's data for a chart by version: one x axis (the union of the versions' timestamps) and a
 * series per version, {@code null} where a version has no point, as uPlot expects aligned arrays.
 * The page carries it in a {@code data-chart} attribute that {@code dashboard.js} draws.
 */
final class Charts {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far back the charts reach: the ten minutes of 10 s points the host keeps. */
    static final long WINDOW_SECONDS = 600;

    private Charts() {
    }

    static String json(String title, String unit, List<WorkerStatsSource.VersionStats> stats,
            Function<WorkerStatsSource.Series, List<Double>> values) {
        TreeSet<Long> times = new TreeSet<>();
        stats.forEach(one -> times.addAll(one.series().epochSeconds()));
        List<Long> xs = new ArrayList<>(times);
        List<List<?>> data = new ArrayList<>();
        data.add(xs);
        List<String> labels = new ArrayList<>();
        for (WorkerStatsSource.VersionStats one : stats) {
            labels.add("v" + one.version());
            Map<Long, Double> byTime = new LinkedHashMap<>();
            List<Long> own = one.series().epochSeconds();
            List<Double> ys = values.apply(one.series());
            for (int i = 0; i < own.size(); i++) {
                byTime.put(own.get(i), ys.get(i));
            }
            data.add(xs.stream().map(byTime::get).toList());
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("title", title);
        chart.put("unit", unit);
        chart.put("labels", labels);
        chart.put("data", data);
        // The window the host keeps (10 minutes), ending now, whatever points there are.
        long now = System.currentTimeMillis() / 1000;
        chart.put("from", now - WINDOW_SECONDS);
        chart.put("to", now);
        try {
            return JSON.writeValueAsString(chart);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

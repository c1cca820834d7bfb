-- Filters probe per row along the list order; these indexes answer the probes on their own:
-- a station's rows carry their id (for the label/grade probes), and a label probe finds the
-- label and its period in the index without reading the row.
DROP INDEX enterprise_station_ix;
CREATE INDEX enterprise_station_ix ON enterprise (station_id, name, id);
DROP INDEX enterprise_label_ix;
CREATE INDEX enterprise_label_ix ON enterprise_label (enterprise_id, label, valid_from, valid_to);

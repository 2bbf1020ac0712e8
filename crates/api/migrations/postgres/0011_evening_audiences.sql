-- Which families an evening is for. An evening with no rows in either table
-- is for the whole school; otherwise it is for the children in one of its
-- year groups or enrolled in one of its classes, and only their guardians see it.
CREATE TABLE evening_year_groups (
    evening_id  BIGINT  NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    year_group  TEXT    NOT NULL,
    PRIMARY KEY (evening_id, year_group)
);

CREATE TABLE evening_classes (
    evening_id  BIGINT  NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    class_id    BIGINT  NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    PRIMARY KEY (evening_id, class_id)
);
CREATE INDEX evening_classes_class ON evening_classes (class_id);

-- Whether an evening is for some year groups or classes only. Until now that
-- was read from its rows alone, so when a roster import removed the only
-- class an evening was for (its row goes with the class), the evening became
-- the whole school's. Now it stays closed: for no one until the office
-- chooses again.
ALTER TABLE evenings ADD COLUMN audience_restricted INTEGER NOT NULL DEFAULT 0;
UPDATE evenings SET audience_restricted = 1
 WHERE EXISTS (SELECT 1 FROM evening_year_groups y WHERE y.evening_id = evenings.id)
    OR EXISTS (SELECT 1 FROM evening_classes c WHERE c.evening_id = evenings.id);

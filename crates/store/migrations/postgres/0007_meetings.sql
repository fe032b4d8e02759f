-- The joint meeting's start time (HH:MM, empty when not set): the minutes
-- state the time of the meeting, not just its date.
ALTER TABLE meetings ADD COLUMN start_time TEXT NOT NULL DEFAULT '';

// What the user reads for each storage failure core reports (src/app/messages.h).
#include "app/messages.h"

#include <gtest/gtest.h>

using kiln::app::storageErrorMessage;
using kiln::storage::StorageError;
using kiln::storage::StorageErrorKind;

TEST(Messages, StorageFullSaysWhatHappenedAndWhatToDoWithTheBackendsWordsInParentheses) {
    EXPECT_EQ(storageErrorMessage({StorageErrorKind::QuotaExceeded, "QuotaExceededError"}),
              "The browser's storage for Kiln is full (QuotaExceededError), so the latest changes are kept only in "
              "this tab for now. Free some space or export the database; saving resumes by itself once there is "
              "room.");
}

TEST(Messages, AnEmptyDetailLeavesNoEmptyParentheses) {
    EXPECT_EQ(storageErrorMessage({StorageErrorKind::Unavailable, ""}),
              "Kiln cannot use the browser's storage here (private windows and some embedded pages block it), so "
              "changes are kept only in this tab. Export the database to keep them.");
    EXPECT_EQ(storageErrorMessage({StorageErrorKind::Failed, ""}),
              "Saving to the browser's storage failed, so the latest changes are kept only in this tab for now; "
              "saving is tried again with the next change. Export the database if this goes on.");
}

TEST(Messages, EveryKindHasItsOwnWords) {
    EXPECT_EQ(storageErrorMessage({StorageErrorKind::Conflict, "version changed"}),
              "Another Kiln tab saved changes at the same moment, so this tab's latest changes could not be saved. "
              "Export the database to keep them, then reload the page.");
    EXPECT_EQ(storageErrorMessage({StorageErrorKind::Damaged, "the manifest is missing"}),
              "Kiln's saved data is damaged (the manifest is missing), so Kiln did not load it and changed nothing "
              "in it. Please report the problem; clearing this site's data would start afresh but lose what was "
              "saved.");
    EXPECT_EQ(storageErrorMessage({StorageErrorKind::Failed, "AbortError"}),
              "Saving to the browser's storage failed (AbortError), so the latest changes are kept only in this tab "
              "for now; saving is tried again with the next change. Export the database if this goes on.");
}

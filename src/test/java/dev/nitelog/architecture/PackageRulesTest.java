package dev.nitelog.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package rules of docs/architecture.md, checked against the compiled product classes. */
class PackageRulesTest {
    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.nitelog");
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.nitelog.(*)..").should().beFreeOfCycles().check(product);
    }

    @Test
    void recordsImportNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.nitelog.record..")
                .should().dependOnClassesThat().resideInAnyPackage(allBut("record")).check(product);
    }

    @Test
    void theByteNiteClientKnowsNothingOfCursorsSinksOrThePipeline() {
        noClasses().that().resideInAPackage("dev.nitelog.bytenite..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nitelog.cursor..", "dev.nitelog.sink..",
                        "dev.nitelog.pipeline..", "dev.nitelog.jobs..", "dev.nitelog.app..", "dev.nitelog.cli..")
                .check(product);
    }

    @Test
    void sinkAdaptersNeverKnowEachOtherTheCursorsOrTheClient() {
        for (String adapter : new String[]{"file", "kafka", "elasticsearch", "stdout", "http"}) {
            noClasses().that().resideInAPackage("dev.nitelog.sink." + adapter + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(otherAdapters(adapter)).check(product);
        }
    }

    @Test
    void onlyTheEntryPointWiresTheDemoSimulatorAndTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("dev.nitelog.app..", "dev.nitelog.simulator..")
                .should().dependOnClassesThat().resideInAPackage("dev.nitelog.simulator..").check(product);
        noClasses().that().resideInAnyPackage("dev.nitelog.pipeline..", "dev.nitelog.cursor..", "dev.nitelog.sink..",
                        "dev.nitelog.bytenite..", "dev.nitelog.jobs..", "dev.nitelog.record..", "dev.nitelog.config..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nitelog.app..", "dev.nitelog.cli..")
                .check(product);
    }

    private static String[] allBut(String own) {
        return java.util.Arrays.stream(new String[]{"app", "bytenite", "cli", "config", "cursor", "health", "jobs",
                        "metrics", "pipeline", "record", "simulator", "sink"})
                .filter(p -> !p.equals(own)).map(p -> "dev.nitelog." + p + "..").toArray(String[]::new);
    }

    private static String[] otherAdapters(String adapter) {
        java.util.List<String> others = new java.util.ArrayList<>(java.util.List.of("dev.nitelog.cursor..",
                "dev.nitelog.bytenite..", "dev.nitelog.pipeline..", "dev.nitelog.jobs..", "dev.nitelog.app.."));
        for (String other : new String[]{"file", "kafka", "elasticsearch", "stdout", "http"}) {
            if (!other.equals(adapter)) {
                others.add("dev.nitelog.sink." + other + "..");
            }
        }
        return others.toArray(String[]::new);
    }
}
